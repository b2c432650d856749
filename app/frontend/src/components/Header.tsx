import { useCart } from "../cartContext";
import { Link } from "../Router";

export function Header() {
  const { itemCount } = useCart();
  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link to="/" className="brand">
          Print Shop
        </Link>
        <nav aria-label="Main">
          <ul className="nav-list">
            <li>
              <Link to="/">Products</Link>
            </li>
            <li>
              <Link to="/cart">Cart ({itemCount})</Link>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}
