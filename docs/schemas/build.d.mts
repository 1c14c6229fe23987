// Types for build.mjs (used by test/e2e/contract.test.ts).
export declare const SCHEMA_DIR: string;
export declare const ASYNCAPI_FILE: string;
export declare const ID_BASE: string;
/** Record types that have a body schema (body-<type>.schema.json), sorted. */
export declare function bodyTypes(dir?: string): string[];
/** record-<type>.schema.json: envelope + body of one type, self-contained. */
export declare function recordBundle(type: string, dir?: string): Record<string, unknown>;
/** components.schemas of the AsyncAPI document. */
export declare function asyncapiSchemas(dir?: string): Record<string, unknown>;
/** The AsyncAPI text with its components.schemas replaced. */
export declare function withSchemas(text: string, schemas: Record<string, unknown>): string;
/** Every generated file with its expected content. */
export declare function generate(dir?: string, asyncapiFile?: string): Map<string, string>;
/** Generated files that are missing or out of date, one line each; empty when in sync. */
export declare function check(dir?: string, asyncapiFile?: string): string[];
