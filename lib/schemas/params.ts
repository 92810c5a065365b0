import { z } from "zod";

export const imageParamsSchema = z.object({ imageId: z.string().min(1) });
export const imageTagParamsSchema = z.object({ imageId: z.string().min(1), tag: z.string() });
export const storeImageParamsSchema = z.object({ storeId: z.string().min(1), imageId: z.string().min(1) });
export const tusUploadParamsSchema = z.object({ imageId: z.string().min(1), uploadId: z.string().min(1) });
