import NextAuth from "next-auth";
import { authOptions } from "@/lib/server/auth/next-auth";

export const dynamic = "force-dynamic";

// next-auth: sign-in (credentials), sign-out, session, CSRF token
const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
