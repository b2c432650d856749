import { useState, type SubmitEvent } from "react";
import { ApiError, createOrder, errorMessage, type FieldErrors } from "../api";
import { useCart } from "../cartContext";
import { formatCents, lineTotalCents } from "../money";
import { TextField } from "../components/TextField";
import { Link } from "../Router";
import { useRouter } from "../routing";
import { useDocumentTitle } from "../useApi";

/** Fields that have their own input; other 400 errors are listed at the top of the form. */
const FORM_FIELDS = ["customer_name", "email"] as const;

const FIELD_LABELS: Record<string, string> = {
  lines: "Items",
  non_field_errors: "",
};

function otherErrors(fieldErrors: FieldErrors): string[] {
  return Object.entries(fieldErrors)
    .filter(([field]) => !(FORM_FIELDS as readonly string[]).includes(field))
    .flatMap(([field, messages]) => {
      const label = FIELD_LABELS[field] ?? field;
      return messages.map((message) => (label ? `${label}: ${message}` : message));
    });
}

export function CheckoutPage() {
  useDocumentTitle("Checkout");
  const { lines, totalCents, clear } = useCart();
  const { navigate } = useRouter();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  if (lines.length === 0) {
    return (
      <section aria-labelledby="checkout-heading">
        <h1 id="checkout-heading">Checkout</h1>
        <p>Your cart is empty, so there is nothing to check out yet.</p>
        <p>
          <Link to="/">Browse products</Link>
        </p>
      </section>
    );
  }

  async function submit() {
    setSubmitting(true);
    setFormError(null);
    setFieldErrors({});
    try {
      const order = await createOrder({
        customer_name: name.trim(),
        email: email.trim(),
        lines: lines.map((line) => ({ product: line.slug, quantity: line.quantity })),
      });
      clear();
      navigate(`/orders/${encodeURIComponent(String(order.id))}`);
    } catch (error) {
      setSubmitting(false);
      if (error instanceof ApiError && error.status === 400) {
        setFieldErrors(error.fieldErrors);
        setFormError("Please correct the errors below.");
      } else if (error instanceof ApiError && error.status === 409) {
        setFormError(error.detail ?? "Some items are no longer available in that quantity.");
      } else {
        setFormError(errorMessage(error));
      }
    }
  }

  function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit();
  }

  const others = otherErrors(fieldErrors);

  return (
    <section aria-labelledby="checkout-heading">
      <h1 id="checkout-heading">Checkout</h1>

      <section aria-labelledby="summary-heading" className="summary">
        <h2 id="summary-heading">Order summary</h2>
        <ul className="summary-lines">
          {lines.map((line) => (
            <li key={line.slug}>
              {line.quantity} × {line.title}:{" "}
              {formatCents(lineTotalCents(line.price, line.quantity))}
            </li>
          ))}
        </ul>
        <p className="total">
          Total: <span data-testid="checkout-total">{formatCents(totalCents)}</span>
        </p>
        <p>
          <Link to="/cart">Change cart</Link>
        </p>
      </section>

      <form className="checkout-form" onSubmit={handleSubmit} noValidate aria-label="Checkout">
        {formError !== null ? (
          <div role="alert" className="message message-error">
            <p className="message-title">{formError}</p>
            {others.length > 0 ? (
              <ul>
                {others.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            ) : null}
            {formError !== "Please correct the errors below." ? (
              <p>
                <Link to="/cart">Review your cart</Link>
              </p>
            ) : null}
          </div>
        ) : null}

        <TextField
          name="customer_name"
          label="Name"
          type="text"
          autoComplete="name"
          value={name}
          onChange={setName}
          errors={fieldErrors["customer_name"]}
        />
        <TextField
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          errors={fieldErrors["email"]}
        />

        <button type="submit" disabled={submitting}>
          {submitting ? "Placing order…" : "Place order"}
        </button>
      </form>
    </section>
  );
}
