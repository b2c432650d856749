import { errorMessage, listProducts } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { formatPrice } from "../money";
import { Link } from "../Router";
import { useApi, useDocumentTitle } from "../useApi";

export function ProductListPage() {
  useDocumentTitle("Products");
  const products = useApi(listProducts);

  return (
    <section aria-labelledby="products-heading">
      <h1 id="products-heading">Products</h1>
      {products.status === "loading" ? <Loading label="Loading products…" /> : null}
      {products.status === "error" ? (
        <ErrorMessage title="Sorry, we could not load the products." retry>
          {errorMessage(products.error)}
        </ErrorMessage>
      ) : null}
      {products.status === "success" && products.data.length === 0 ? (
        <p>No products are available right now. Please check back soon.</p>
      ) : null}
      {products.status === "success" && products.data.length > 0 ? (
        <ul className="product-grid">
          {products.data.map((product) => (
            <li key={product.slug}>
              <article className="card" aria-labelledby={`product-${product.slug}`}>
                <h2 id={`product-${product.slug}`}>
                  <Link to={`/products/${encodeURIComponent(product.slug)}`}>{product.title}</Link>
                </h2>
                <p className="description">{product.description}</p>
                <p className="price">{formatPrice(product.price)}</p>
                <p className={product.stock > 0 ? "stock" : "stock stock-out"}>
                  {product.stock > 0 ? "In stock" : "Out of stock"}
                </p>
              </article>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
