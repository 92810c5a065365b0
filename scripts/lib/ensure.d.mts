export const root: string;
export function run(cmd: string, args: string[], opts?: object): unknown;
export function checkNode(): void;
export function ensureDependencies(): void;
export function sourceHash(): string;
export function ensureBuild(opts?: { force?: boolean }): boolean;
export const SERVER_BUNDLE: string;
export function buildServer(): void;
