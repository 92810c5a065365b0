// `npm run build` first makes sure dependencies and Prisma clients are there.
import { checkNode, ensureDependencies } from "./lib/ensure.mjs";
checkNode();
ensureDependencies();
