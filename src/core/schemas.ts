/**
 * zod schemas of the domain values adapters store as JSON in their backend (a generation config in
 * an MLflow tag, SageMaker metadata, Vertex metadata), so every adapter reads back the same shape.
 */
import { z } from "zod";

export const evalResultSchema = z.strictObject({
  suite: z.string().min(1),
  score: z.number().finite(),
  run: z.string().optional(),
  artifactUri: z.string().optional(),
});

export const generationConfigSchema = z.strictObject({
  model: z.string().min(1),
  promptRef: z.string().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  toolsRef: z.string().optional(),
  eval: evalResultSchema.optional(),
  approvedBy: z.string().optional(),
});

export const lineageSchema = z.strictObject({
  runId: z.string().optional(),
  runLink: z.string().optional(),
  codeCommit: z.string().optional(),
  datasetHash: z.string().optional(),
  parentModel: z.string().optional(),
  teacherModel: z.string().optional(),
});
