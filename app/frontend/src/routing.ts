/** A tiny history-based router: context, hooks and path matching (components live in Router.tsx). */
import { createContext, useContext } from "react";

export interface NavigateOptions {
  replace?: boolean;
}

export interface RouterValue {
  path: string;
  navigate: (to: string, options?: NavigateOptions) => void;
}

export const RouterContext = createContext<RouterValue | null>(null);

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (value === null) {
    throw new Error("useRouter must be used inside <Router>");
  }
  return value;
}

/**
 * Matches "/products/:slug" against "/products/poster". Returns the decoded params, or null.
 * A trailing slash on the path is ignored.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const split = (value: string) => value.split("/").filter((segment) => segment !== "");
  const patternSegments = split(pattern);
  const pathSegments = split(path);
  if (patternSegments.length !== pathSegments.length) {
    return null;
  }
  const params: Record<string, string> = {};
  for (const [index, segment] of patternSegments.entries()) {
    const actual = pathSegments[index] ?? "";
    if (segment.startsWith(":")) {
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}
