import { useEffect, useState } from "react";

export type ApiState<T> =
  | { status: "loading" }
  | { status: "success"; data: T }
  | { status: "error"; error: unknown };

type Loader<T> = (signal: AbortSignal) => Promise<T>;

/**
 * Runs `load` (memoise it with useCallback) and tracks its result. A new `load` function means
 * a new request: the state goes back to "loading" until it settles; stale results are dropped.
 */
export function useApi<T>(load: Loader<T>): ApiState<T> {
  const [settled, setSettled] = useState<{ load: Loader<T>; state: ApiState<T> } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) {
          setSettled({ load, state: { status: "success", data } });
        }
      },
      (error: unknown) => {
        if (!controller.signal.aborted) {
          setSettled({ load, state: { status: "error", error } });
        }
      },
    );
    return () => {
      controller.abort();
    };
  }, [load]);

  return settled !== null && settled.load === load ? settled.state : { status: "loading" };
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Print Shop`;
  }, [title]);
}
