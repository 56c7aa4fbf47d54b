import type { DescEnum, DescMessage } from '@bufbuild/protobuf';
import type { OpenAPIV3 } from 'openapi-types';
import type { JsonWriter } from './json-writers.js';
import { enumSchema, messageObjectSchema, type SchemaComponents } from './proto-json-schema.js';

const refTo = (name: string): OpenAPIV3.ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/**
 * The document's `components.schemas` for the messages and enums its answers use, each under its full
 * proto name and described once. One message written by both JSON writers would need two descriptions
 * under one name, so that is refused (a programming error, seen when the document is built).
 */
export class ProtoSchemaComponents implements SchemaComponents {
  readonly schemas: Record<string, OpenAPIV3.SchemaObject> = {};
  private readonly writers = new Map<string, JsonWriter>();

  messageRef(message: DescMessage, writer: JsonWriter): OpenAPIV3.ReferenceObject {
    const name = message.typeName;
    const describedBy = this.writers.get(name);
    if (describedBy && describedBy !== writer) {
      throw new Error(`${name} is written by ${describedBy.name} and ${writer.name}: describe one`);
    }
    if (!describedBy) {
      // Registered before its fields are described, so a message that holds itself refers back.
      this.writers.set(name, writer);
      this.schemas[name] = messageObjectSchema(message, writer, this);
    }
    return refTo(name);
  }

  enumRef(descEnum: DescEnum): OpenAPIV3.ReferenceObject {
    this.schemas[descEnum.typeName] ??= enumSchema(descEnum);
    return refTo(descEnum.typeName);
  }
}
