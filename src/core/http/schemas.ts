import { Type } from 'typebox';

/**
 * Schemas shared by the API modules' routes.
 *
 * `Problem` is the RFC 9457 problem+json body every API error answers with. It describes what
 * `problemBody` (./errors.tsx) writes: `instance`, `code` and `requestId` are always there, `errors`
 * only when fields are at fault, and a code may add members of its own (`additionalProperties`).
 * The body is sent pre-serialised, so this schema documents the answer in the OpenAPI document
 * and does not filter it.
 */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String({ description: 'Stable error code (README, "Error codes")' }),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details; `errors` names each offending field' },
);
