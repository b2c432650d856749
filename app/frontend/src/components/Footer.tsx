import { getHealth } from "../api";
import { useApi } from "../useApi";

/** Shows the deployed backend release (from /api/health/); says nothing if that fails. */
export function Footer() {
  const health = useApi(getHealth);
  const release = health.status === "success" ? health.data.release : undefined;
  return (
    <footer className="site-footer">
      <div className="container">
        <p>Print Shop · business cards, posters and more</p>
        {typeof release === "string" && release !== "" ? (
          <p className="release">
            Release: <span data-testid="release">{release}</span>
          </p>
        ) : null}
      </div>
    </footer>
  );
}
