// Settings the test runner hands to every suite.
export const IRIS_URL = process.env.IRIS_URL ?? "http://127.0.0.1:3100";
export const ADMIN_PASSWORD = process.env.IRIS_ADMIN_PASSWORD ?? "iris-e2e-admin-password";
export const ADMIN = { name: "admin", password: ADMIN_PASSWORD, project: "admin" } as const;
