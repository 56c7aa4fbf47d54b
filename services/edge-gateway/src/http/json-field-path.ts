import { MAP_FIELD_NAMES } from './proto-json.js';

const SNAKE_PART = /_([a-z0-9])/g;

/**
 * A service's field path (`readings[0].custom_sensor`) as REST clients spell it (`readings[0].customSensor`):
 * the services name proto fields, the REST API speaks proto3 JSON, whose names are lowerCamelCase (as
 * google.rpc.BadRequest asks of JSON). After a map field the rest is a key (`labels.site_id`) and stays.
 */
export function jsonFieldPath(path: string): string {
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i];
    segments[i] = name.replace(SNAKE_PART, (_, next: string) => next.toUpperCase());
    if (MAP_FIELD_NAMES.has(name.replace(/\[.*$/, ''))) break;
  }
  return segments.join('.');
}
