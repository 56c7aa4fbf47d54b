/** A rule returns one readable line per violation; an empty list means the objects pass. */
export type Violations = string[];
