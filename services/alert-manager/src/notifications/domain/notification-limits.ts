import { bounded, CONTROL_CHARACTERS } from '@iot-mesh/platform';

// What SendNotification accepts, as services/notification/src/notifications/domain/notification.validation.ts
// says (a service may not import another, and the platform does not share these numbers). A
// notification over them is refused for good, so every one the alert manager builds stays within.
export const MAX_SUBJECT = 200;
export const MAX_BODY = 20_000;
export const MAX_ATTRIBUTE_VALUE = 256;

const EVERY_CONTROL_CHARACTER = new RegExp(CONTROL_CHARACTERS.source, 'gu');

/**
 * `text` as one line the notification service takes: its control characters (none in validated
 * rules and device ids, but EvaluateReadings takes any device id) as spaces.
 */
export const oneLine = (text: string): string => text.replace(EVERY_CONTROL_CHARACTER, ' ');

/** `text` as one line of at most `max` characters, a cut marked with an ellipsis. */
export const fittedLine = (text: string, max: number): string => bounded(oneLine(text), max);
