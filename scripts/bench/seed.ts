// Seeds a fresh Iris database with many images straight through Prisma (a benchmark fixture,
// not a test): projects, a member user, images with tags, custom properties and shares.
import crypto from "node:crypto";
import path from "node:path";
import { hash } from "@node-rs/argon2";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "../../generated/pg/client";
import { PrismaClient as SqliteClient } from "../../generated/sqlite/client";

export const BENCH_PROJECT = "bench";
export const BENCH_USER = "bench-member";
export const BENCH_PASSWORD = "bench-member-password";
export const DISTROS = [
  "ubuntu",
  "debian",
  "fedora",
  "centos",
  "rocky",
  "alma",
  "arch",
  "alpine",
  "opensuse",
  "freebsd",
];
export const TAGS = Array.from({ length: 50 }, (_, i) => `tag-${i}`);
/** On about one image in a thousand (each of TAGS is on about one in 35). */
export const RARE_TAG = "rare";
const RARE_TAG_SHARE = 0.001;

function client(env: NodeJS.ProcessEnv): SqliteClient {
  if (env.DATABASE_URL?.startsWith("postgres"))
    return new PgClient({
      adapter: new PrismaPg({ connectionString: env.DATABASE_URL }),
    }) as unknown as SqliteClient;
  return new SqliteClient({
    adapter: new PrismaBetterSQLite3({ url: `file:${path.join(env.IRIS_DATA_DIR!, "iris.db")}` }),
  });
}

const hex = () => crypto.randomBytes(16).toString("hex");

export async function seed(env: NodeJS.ProcessEnv, count: number): Promise<void> {
  const db = client(env);
  try {
    const member = await db.role.findUniqueOrThrow({ where: { name: "member" } });
    const projects = Array.from({ length: 20 }, (_, i) => ({
      id: hex(),
      name: i === 0 ? BENCH_PROJECT : `bench-other-${i}`,
    }));
    await db.project.createMany({ data: projects.map((p) => ({ ...p, domainId: "default" })) });
    const user = await db.user.create({
      data: { id: hex(), name: BENCH_USER, domainId: "default", passwordHash: await hash(BENCH_PASSWORD) },
    });
    await db.roleAssignment.create({
      data: { id: hex(), userId: user.id, projectId: projects[0]!.id, roleId: member.id },
    });

    const rnd = (n: number) => Math.floor(Math.random() * n);
    const start = Date.now() - count * 1000;
    const batch = 2000;
    for (let off = 0; off < count; off += batch) {
      const images = [];
      const tags = [];
      const props = [];
      const members = [];
      for (let i = off; i < Math.min(count, off + batch); i++) {
        const id = crypto.randomUUID();
        const n = rnd(4);
        const chosen = new Set<string>();
        for (let t = 0; t < n; t++) chosen.add(TAGS[rnd(TAGS.length)]!);
        if (Math.random() < RARE_TAG_SHARE) chosen.add(RARE_TAG);
        const r = Math.random();
        const visibility = r < 0.4 ? "public" : r < 0.8 ? "shared" : r < 0.95 ? "private" : "community";
        const owner = projects[Math.random() < 0.05 ? 0 : 1 + rnd(19)]!.id;
        const created = new Date(start + i * 1000);
        images.push({
          id,
          name: `image-${i}`,
          status: "active",
          visibility,
          diskFormat: ["qcow2", "raw", "vmdk"][rnd(3)]!,
          containerFormat: "bare",
          size: BigInt(1 + rnd(20 * 1024 ** 3)),
          owner,
          createdAt: created,
          updatedAt: created,
          checksum: hex(),
          osHashAlgo: "sha512",
          osHashValue: crypto.randomBytes(64).toString("hex"),
          tagSet: [...chosen].sort(), // as lib/server/images/tag-set.ts keeps it
        });
        for (const value of chosen) tags.push({ imageId: id, value });
        props.push({ imageId: id, name: "os_distro", value: DISTROS[rnd(DISTROS.length)]! });
        props.push({ imageId: id, name: "bench_group", value: `g${rnd(100)}` });
        if (visibility === "shared" && Math.random() < 0.05)
          members.push({
            id: crypto.randomUUID(),
            imageId: id,
            memberId: projects[0]!.id,
            status: "accepted",
          });
      }
      await db.image.createMany({ data: images });
      await db.imageTag.createMany({ data: tags });
      await db.imageProperty.createMany({ data: props });
      if (members.length) await db.imageMember.createMany({ data: members });
    }
    // The state autovacuum reaches soon after a bulk load: statistics, and (PostgreSQL) the
    // visibility map that lets index-only scans (the tag filter's probes) skip the heap.
    if (env.DATABASE_URL?.startsWith("postgres")) await db.$executeRawUnsafe("VACUUM ANALYZE");
    else await db.$queryRawUnsafe("ANALYZE");
  } finally {
    await db.$disconnect();
  }
}
