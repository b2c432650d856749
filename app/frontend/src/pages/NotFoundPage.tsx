import { BackToProducts } from "../components/Status";
import { useDocumentTitle } from "../useApi";

export function NotFoundPage() {
  useDocumentTitle("Page not found");
  return (
    <section aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">Page not found</h1>
      <p>There is no page at this address.</p>
      <BackToProducts />
    </section>
  );
}
