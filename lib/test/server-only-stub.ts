// Stands in for the "server-only" package where server modules run outside Next.js's server
// bundle: in unit tests (vitest.config.mts) and in the bundle of server.ts (scripts/lib/ensure.mjs).
export {};
