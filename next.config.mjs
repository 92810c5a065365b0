/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // API bodies are small and image data is not compressible: gzip would only cost CPU. A proxy
  // in front may compress the dashboard.
  compress: false,
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ["@node-rs/argon2", "better-sqlite3", "@prisma/adapter-better-sqlite3", "pg"],
  // Type errors are reported by `npm run typecheck` (a suite of `npm test`), not by the build,
  // so one error does not hide every other suite's results.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
