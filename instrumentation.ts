// Runs once when the server starts: apply migrations, then create what a fresh cloud needs.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./lib/server/startup");
  await startServer();
}
