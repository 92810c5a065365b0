/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ["@node-rs/argon2", "better-sqlite3", "@prisma/adapter-better-sqlite3", "pg"],
  // `next build` type-checks; `npm run typecheck` and `npm run lint` run in `npm test`.
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
