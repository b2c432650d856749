import { useCallback, useState, type SubmitEvent } from "react";
import { ApiError, errorMessage, getProduct, type Product } from "../api";
import { clampQuantity } from "../cart";
import { useCart } from "../cartContext";
import { BackToProducts, ErrorMessage, Loading } from "../components/Status";
import { formatPrice } from "../money";
import { Link } from "../Router";
import { useApi, useDocumentTitle } from "../useApi";

export function ProductPage({ slug }: { slug: string }) {
  const load = useCallback((signal: AbortSignal) => getProduct(slug, signal), [slug]);
  const product = useApi(load);
  useDocumentTitle(product.status === "success" ? product.data.title : "Product");

  if (product.status === "loading") {
    return <Loading label="Loading product…" />;
  }
  if (product.status === "error") {
    const notFound = product.error instanceof ApiError && product.error.status === 404;
    return (
      <section aria-labelledby="product-error-heading">
        <h1 id="product-error-heading">{notFound ? "Product not found" : "Product unavailable"}</h1>
        <ErrorMessage
          title={
            notFound
              ? "We could not find that product."
              : "Sorry, we could not load this product."
          }
          retry={!notFound}
        >
          {notFound ? null : errorMessage(product.error)}
        </ErrorMessage>
        <BackToProducts />
      </section>
    );
  }
  return <ProductDetails product={product.data} />;
}

function ProductDetails({ product }: { product: Product }) {
  const { add } = useCart();
  const [quantityText, setQuantityText] = useState("1");
  const [added, setAdded] = useState<number | null>(null);
  const inStock = product.stock > 0;

  function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const quantity = clampQuantity(Number.parseInt(quantityText, 10), product.stock);
    add(product, quantity);
    setQuantityText(String(quantity));
    setAdded(quantity);
  }

  return (
    <article className="product" aria-labelledby="product-heading">
      <h1 id="product-heading">{product.title}</h1>
      <p className="description">{product.description}</p>
      <p className="price">
        Price: <span data-testid="product-price">{formatPrice(product.price)}</span>
      </p>
      <p className={inStock ? "stock" : "stock stock-out"}>
        {inStock ? `${product.stock} in stock` : "Out of stock"}
      </p>
      <form className="add-form" onSubmit={handleSubmit} noValidate aria-label="Add to cart">
        <label htmlFor="quantity">Quantity</label>
        <input
          id="quantity"
          name="quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={Math.max(1, product.stock)}
          value={quantityText}
          disabled={!inStock}
          onChange={(event) => {
            setQuantityText(event.target.value);
          }}
        />
        <button type="submit" disabled={!inStock}>
          {inStock ? "Add to cart" : "Out of stock"}
        </button>
      </form>
      <div role="status">
        {added !== null ? (
          <p className="message message-success">
            Added {added} × {product.title} to your cart. <Link to="/cart">View cart</Link>
          </p>
        ) : null}
      </div>
      <BackToProducts />
    </article>
  );
}
