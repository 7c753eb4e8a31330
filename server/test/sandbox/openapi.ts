// Validates sandbox responses against WB's own OpenAPI files (vendored in ./wb-openapi): parse the YAML, resolve local
// $refs, turn OpenAPI 3.0 `nullable` into JSON Schema, and check with ajv. "Closed" schemas also refuse fields WB's
// schema does not declare, so the sandbox cannot drift into inventing fields clients might come to rely on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SPEC_DIR = path.join(import.meta.dirname, 'wb-openapi');
export type SpecFile = '01-general.yaml' | '07-orders-fbw.yaml' | '10-rates.yaml';

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export class OpenApiSpec {
  private readonly doc: JsonObject;
  private readonly ajv: Ajv;

  constructor(file: SpecFile) {
    this.doc = parse(readFileSync(path.join(SPEC_DIR, file), 'utf8')) as JsonObject;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(this.ajv);
    // Formats WB's files name that JSON Schema does not know.
    this.ajv.addFormat('UUID', /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/i);
    this.ajv.addFormat('ISO 8601', true);
    this.ajv.addFormat('uint64', true);
  }

  /** The JSON Schema of one documented response body, $refs resolved and `nullable` translated. */
  responseSchema(
    apiPath: string,
    method: string,
    status: number,
    options: { closed?: boolean } = {},
  ): { schema: JsonObject; contentType: string } {
    const paths = this.doc.paths;
    const operation = isObject(paths) && isObject(paths[apiPath]) ? paths[apiPath][method.toLowerCase()] : undefined;
    if (!isObject(operation) || !isObject(operation.responses)) throw new Error(`${method} ${apiPath} is not in the spec`);
    const response = this.resolve(operation.responses[String(status)]);
    if (!isObject(response) || !isObject(response.content)) throw new Error(`${method} ${apiPath} documents no ${status} body`);
    const [contentType, media] = Object.entries(response.content)[0] ?? [];
    if (!contentType || !isObject(media)) throw new Error(`${method} ${apiPath} ${status}: no media type`);
    return { schema: this.toJsonSchema(media.schema, options.closed ?? false) as JsonObject, contentType };
  }

  /** Errors (empty when valid) of `body` against the documented response. */
  validate(apiPath: string, method: string, status: number, body: unknown, options: { closed?: boolean } = {}): ErrorObject[] {
    const validate = this.ajv.compile(this.responseSchema(apiPath, method, status, options).schema);
    return validate(body) ? [] : (validate.errors ?? []);
  }

  private resolve(node: Json | undefined): Json | undefined {
    if (!isObject(node) || typeof node.$ref !== 'string') return node;
    const ref = node.$ref;
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
    let target: Json | undefined = this.doc;
    for (const part of ref.slice(2).split('/'))
      target = isObject(target) ? target[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return this.resolve(target);
  }

  private toJsonSchema(node: Json | undefined, closed: boolean, depth = 0): Json {
    if (depth > 50) throw new Error('schema nests too deep (a $ref cycle?)');
    const resolved = this.resolve(node);
    if (Array.isArray(resolved)) return resolved.map((item) => this.toJsonSchema(item, closed, depth + 1));
    if (!isObject(resolved)) return resolved ?? {};
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(resolved)) {
      // Documentation only; ajv would read `example` etc. as unknown keywords.
      if (key === 'example' || key === 'examples' || key === 'description' || key === 'nullable' || key.startsWith('x-')) continue;
      if (key === 'properties' && isObject(value)) {
        out.properties = Object.fromEntries(
          Object.entries(value).map(([name, prop]) => [name, this.toJsonSchema(prop, closed, depth + 1)]),
        );
      } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
        out[key] = typeof value === 'boolean' ? value : this.toJsonSchema(value, closed, depth + 1);
      } else if ((key === 'oneOf' || key === 'anyOf' || key === 'allOf') && Array.isArray(value)) {
        out[key] = value.map((item) => this.toJsonSchema(item, closed, depth + 1));
      } else {
        out[key] = value;
      }
    }
    if (closed && isObject(out.properties) && out.additionalProperties === undefined) out.additionalProperties = false;
    if (resolved.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      if (out.type === undefined && out.enum === undefined) return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  }
}
