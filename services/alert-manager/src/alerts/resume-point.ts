import { OutOfRangeError, ValidationError } from '@iot-mesh/platform';
import type { WatchAlertsRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';

/** Where a watcher starts: after a sequence it saw, or from the first stored event. */
export type ResumePoint = Pick<WatchAlertsRequest, 'resumeAfterSequence' | 'replayFromStart'>;

/** The sequence to replay after, or undefined for live events only. */
export function resumeAfterOf({ resumeAfterSequence, replayFromStart }: ResumePoint): number | undefined {
  if (!Number.isSafeInteger(resumeAfterSequence) || resumeAfterSequence < 0) {
    throw new ValidationError([
      {
        field: 'resume_after_sequence',
        reason: 'FIELD.INVALID',
        description: 'must be zero or a positive sequence',
      },
    ]);
  }
  if (replayFromStart && resumeAfterSequence !== 0) {
    throw new ValidationError([
      {
        field: 'replay_from_start',
        reason: 'FIELD.INVALID',
        description: 'replays from the first event, so resume_after_sequence must be 0 with it',
      },
    ]);
  }
  if (replayFromStart) return 0;
  return resumeAfterSequence > 0 ? resumeAfterSequence : undefined;
}

/**
 * The stream needs events after `sentThrough` and the retention deleted some of them. OUT_OF_RANGE,
 * like a point ahead of the newest event: the point lies outside the events kept, and asking again
 * from it can never succeed (FAILED_PRECONDITION would say the store may yet get into a state that
 * allows it).
 */
export const resumePointPruned = (sentThrough: number, prunedThrough: number): OutOfRangeError =>
  new OutOfRangeError(
    'ALERT_EVENTS.RESUME_POINT_PRUNED',
    `events after ${sentThrough} up to ${prunedThrough} were deleted by the alert history's retention ` +
      '(ALERT_RETENTION_HOURS); list the current alerts (ListAlerts) and watch again without a resume point, ' +
      'for new events from now',
  );

/** The point is past the newest event the stream's filter matches. */
export const resumePointAhead = (resumedAt: number): OutOfRangeError =>
  new OutOfRangeError(
    'ALERT_EVENTS.RESUME_AHEAD',
    `there is no event ${resumedAt} (or later) for this stream yet; resume from an event this stream sent, or without a resume point for new events only`,
  );
