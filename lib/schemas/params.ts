import { z } from "zod";

export const imageParamsSchema = z.object({ imageId: z.string().min(1) });
export const imageTagParamsSchema = z.object({ imageId: z.string().min(1), tag: z.string() });
