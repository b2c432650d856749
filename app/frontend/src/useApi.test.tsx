import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useApi } from "./useApi";

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("useApi", () => {
  it("goes from loading to success", async () => {
    const result = deferred<string>();
    const load = () => result.promise;
    const { result: state } = renderHook(() => useApi(load));
    expect(state.current).toEqual({ status: "loading" });
    await act(async () => {
      result.resolve("done");
      await result.promise;
    });
    expect(state.current).toEqual({ status: "success", data: "done" });
  });

  it("drops the result of a superseded request and aborts it", async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const signals: AbortSignal[] = [];
    const loadFirst = (signal: AbortSignal) => {
      signals.push(signal);
      return first.promise;
    };
    const loadSecond = (signal: AbortSignal) => {
      signals.push(signal);
      return second.promise;
    };

    const { result, rerender } = renderHook(({ load }) => useApi(load), {
      initialProps: { load: loadFirst },
    });
    rerender({ load: loadSecond });
    expect(signals[0]?.aborted).toBe(true);
    expect(result.current).toEqual({ status: "loading" });

    await act(async () => {
      first.resolve("stale");
      await first.promise;
    });
    expect(result.current).toEqual({ status: "loading" });

    await act(async () => {
      second.resolve("fresh");
      await second.promise;
    });
    expect(result.current).toEqual({ status: "success", data: "fresh" });
  });

  it("ignores a failure that arrives after unmounting", async () => {
    let reject: (reason: unknown) => void = () => undefined;
    const promise = new Promise<string>((_resolve, fail) => {
      reject = fail;
    });
    const load = () => promise;
    const { result, unmount } = renderHook(() => useApi(load));
    unmount();
    await act(async () => {
      reject(new Error("late"));
      await promise.catch(() => undefined);
    });
    expect(result.current).toEqual({ status: "loading" });
  });
});
