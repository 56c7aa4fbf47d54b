import { bounded, CONTROL_CHARACTERS } from '@iot-mesh/platform';

const EVERY_CONTROL_CHARACTER = new RegExp(CONTROL_CHARACTERS.source, 'gu');

/**
 * `text` as one line the notification service takes: its control characters (none in validated
 * rules and device ids, but EvaluateReadings takes any device id) as spaces.
 */
export const oneLine = (text: string): string => text.replace(EVERY_CONTROL_CHARACTER, ' ');

/** `text` as one line of at most `max` characters, a cut marked with an ellipsis. */
export const fittedLine = (text: string, max: number): string => bounded(oneLine(text), max);
