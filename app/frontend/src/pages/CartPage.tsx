import { useState } from "react";
import type { CartLine } from "../cart";
import { useCart } from "../cartContext";
import { formatCents, formatPrice, lineTotalCents } from "../money";
import { Link } from "../Router";
import { useDocumentTitle } from "../useApi";

export function CartPage() {
  useDocumentTitle("Your cart");
  const { lines, totalCents } = useCart();

  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      {lines.length === 0 ? (
        <>
          <p>Your cart is empty.</p>
          <p>
            <Link to="/">Browse products</Link>
          </p>
        </>
      ) : (
        <>
          <table className="lines">
            <caption className="visually-hidden">Items in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Subtotal</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => (
                <CartRow key={line.slug} line={line} />
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Total
                </th>
                <td data-testid="cart-total">{formatCents(totalCents)}</td>
                <td />
              </tr>
            </tfoot>
          </table>
          <p className="actions">
            <Link to="/" className="button-secondary">
              Continue shopping
            </Link>
            <Link to="/checkout" className="button">
              Proceed to checkout
            </Link>
          </p>
        </>
      )}
    </section>
  );
}

function CartRow({ line }: { line: CartLine }) {
  const { setQuantity, remove } = useCart();
  // While the field is being edited it may hold "" or other text; null shows the cart's quantity.
  const [draft, setDraft] = useState<string | null>(null);
  const inputId = `quantity-${line.slug}`;

  return (
    <tr>
      <th scope="row">
        <Link to={`/products/${encodeURIComponent(line.slug)}`}>{line.title}</Link>
      </th>
      <td>{formatPrice(line.price)}</td>
      <td>
        <label htmlFor={inputId} className="visually-hidden">
          Quantity for {line.title}
        </label>
        <input
          id={inputId}
          type="number"
          inputMode="numeric"
          className="quantity"
          min={1}
          max={Math.max(1, line.stock)}
          value={draft ?? String(line.quantity)}
          onChange={(event) => {
            const text = event.target.value;
            const quantity = Number.parseInt(text, 10);
            if (/^\d+$/.test(text) && quantity >= 1) {
              setQuantity(line.slug, quantity);
              setDraft(null);
            } else {
              setDraft(text);
            }
          }}
          onBlur={() => {
            setDraft(null);
          }}
        />
      </td>
      <td data-testid={`subtotal-${line.slug}`}>
        {formatCents(lineTotalCents(line.price, line.quantity))}
      </td>
      <td>
        <button
          type="button"
          className="button-link"
          aria-label={`Remove ${line.title}`}
          onClick={() => {
            remove(line.slug);
          }}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
