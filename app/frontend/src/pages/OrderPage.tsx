import { useCallback } from "react";
import { ApiError, errorMessage, getOrder } from "../api";
import { BackToProducts, ErrorMessage, Loading } from "../components/Status";
import { formatCents, formatPrice, lineTotalCents } from "../money";
import { useApi, useDocumentTitle } from "../useApi";

export function OrderPage({ id }: { id: string }) {
  useDocumentTitle("Your order");
  const load = useCallback((signal: AbortSignal) => getOrder(id, signal), [id]);
  const order = useApi(load);

  if (order.status === "loading") {
    return <Loading label="Loading your order…" />;
  }
  if (order.status === "error") {
    const notFound = order.error instanceof ApiError && order.error.status === 404;
    return (
      <section aria-labelledby="order-error-heading">
        <h1 id="order-error-heading">{notFound ? "Order not found" : "Order unavailable"}</h1>
        <ErrorMessage
          title={notFound ? "We could not find that order." : "Sorry, we could not load your order."}
          retry={!notFound}
        >
          {notFound ? null : errorMessage(order.error)}
        </ErrorMessage>
        <BackToProducts />
      </section>
    );
  }

  const { data } = order;
  return (
    <section aria-labelledby="order-heading">
      <h1 id="order-heading">Thank you for your order!</h1>
      <p>
        Your order number is <strong data-testid="order-number">{String(data.id)}</strong>.
      </p>
      <p>
        Ordered by {data.customer_name} ({data.email}).
      </p>
      <table className="lines">
        <caption className="visually-hidden">Items in your order</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Unit price</th>
            <th scope="col">Subtotal</th>
          </tr>
        </thead>
        <tbody>
          {data.lines.map((line) => (
            <tr key={line.product}>
              <th scope="row">{line.title}</th>
              <td>{line.quantity}</td>
              <td>{formatPrice(line.unit_price)}</td>
              <td>{formatCents(lineTotalCents(line.unit_price, line.quantity))}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td data-testid="order-total">{formatPrice(data.total)}</td>
          </tr>
        </tfoot>
      </table>
      <BackToProducts />
    </section>
  );
}
