/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the shop API, e.g. "/api" (default) or "https://shop.example/api". */
  readonly VITE_API_BASE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
