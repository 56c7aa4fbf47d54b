import type { DescEnum } from '@bufbuild/protobuf';
import { z } from 'zod';
import { messageSchema } from './proto-json.js';

/** The enum of a message's field (`iotmesh.device.v1.Device`, `status`), from the protos' descriptor set. */
function enumOf(typeName: string, fieldName: string): DescEnum {
  const field = messageSchema(typeName).field[fieldName];
  if (field?.fieldKind !== 'enum') throw new Error(`${typeName}.${fieldName} is not an enum field`);
  return field.enum;
}

// The zero value means "not set" (AIP-126): a field that needs a value refuses it and a filter without
// it is the same as no filter, so the document lists only the others.
const specifiedValues = (descEnum: DescEnum) => descEnum.values.filter((value) => value.number !== 0);

/**
 * An enum field of a JSON body: a value's name or its number, as proto3 JSON reads them. A name the
 * enum does not have is refused here; a number is the service's to judge (proto3 enums are open, and
 * the service names the number it was sent). The names and numbers documented come from the same
 * descriptors. `note` adds what the service refuses beyond that.
 */
export function enumField(typeName: string, fieldName: string, note = '') {
  const descEnum = enumOf(typeName, fieldName);
  const values = specifiedValues(descEnum);
  const names = new Set(descEnum.values.map((value) => value.name));
  const expected = `must be a ${descEnum.name} name (or number)`;
  return z
    .union(
      [
        z
          .string()
          .refine((name) => names.has(name), expected)
          .meta({ enum: values.map((value) => value.name) }),
        z.int32().meta({ enum: values.map((value) => value.number) }),
      ],
      {
        error: (issue) => (issue.input === undefined ? undefined : expected),
      },
    )
    .describe(`A ${descEnum.name} by name (or number).${note ? ` ${note}` : ''}`);
}

/** An enum in a query string: proto3 JSON reads a string as a value's name only. */
export function enumParameter(typeName: string, fieldName: string) {
  const descEnum = enumOf(typeName, fieldName);
  return z
    .string()
    .max(64)
    .meta({
      enum: specifiedValues(descEnum).map((value) => value.name),
      description: `A ${descEnum.name} by name.`,
    });
}

/**
 * A body read with ts-proto's fromJSON, each enum number as sent: fromJSON reads a number its enum does
 * not name as UNRECOGNIZED (-1), and the service then refused "unknown value -1" instead of the number
 * the client sent. Only the message's own enum fields (Reading's and Device's are all top-level); their
 * names were checked by enumField. Cheaper than the descriptor mapping (proto-json.ts) on the hot
 * readings path.
 */
export function fromJsonWithEnumNumbers<T>(
  codec: { fromJSON(json: unknown): T },
  typeName: string,
  json: Readonly<Record<string, unknown>>,
): T {
  const message = codec.fromJSON(json) as Record<string, unknown>;
  for (const field of messageSchema(typeName).fields) {
    const sent = json[field.jsonName];
    if (field.fieldKind === 'enum' && typeof sent === 'number') message[field.localName] = sent;
  }
  return message as T;
}
