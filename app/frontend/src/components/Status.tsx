import type { ReactNode } from "react";
import { Link } from "../Router";

export function Loading({ label }: { label: string }) {
  return (
    <p role="status" className="status">
      {label}
    </p>
  );
}

export function ErrorMessage({
  title,
  children,
  retry,
}: {
  title: string;
  children?: ReactNode;
  retry?: boolean;
}) {
  return (
    <div role="alert" className="message message-error">
      <p className="message-title">{title}</p>
      {children ? <p>{children}</p> : null}
      {retry ? (
        <p>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              window.location.reload();
            }}
          >
            Try again
          </button>
        </p>
      ) : null}
    </div>
  );
}

export function BackToProducts() {
  return (
    <p>
      <Link to="/">Back to all products</Link>
    </p>
  );
}
