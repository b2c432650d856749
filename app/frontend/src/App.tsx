import { CartProvider } from "./CartProvider";
import { Footer } from "./components/Footer";
import { Header } from "./components/Header";
import { CartPage } from "./pages/CartPage";
import { CheckoutPage } from "./pages/CheckoutPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { OrderPage } from "./pages/OrderPage";
import { ProductListPage } from "./pages/ProductListPage";
import { ProductPage } from "./pages/ProductPage";
import { Router } from "./Router";
import { matchPath, useRouter } from "./routing";

function CurrentPage() {
  const { path } = useRouter();

  if (matchPath("/", path)) {
    return <ProductListPage />;
  }
  const product = matchPath("/products/:slug", path);
  if (product?.["slug"] !== undefined) {
    return <ProductPage key={product["slug"]} slug={product["slug"]} />;
  }
  if (matchPath("/cart", path)) {
    return <CartPage />;
  }
  if (matchPath("/checkout", path)) {
    return <CheckoutPage />;
  }
  const order = matchPath("/orders/:id", path);
  if (order?.["id"] !== undefined) {
    return <OrderPage key={order["id"]} id={order["id"]} />;
  }
  return <NotFoundPage />;
}

export function App() {
  return (
    <CartProvider>
      <Router>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Header />
        <main id="main" className="container">
          <CurrentPage />
        </main>
        <Footer />
      </Router>
    </CartProvider>
  );
}
