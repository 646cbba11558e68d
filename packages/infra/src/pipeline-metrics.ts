import { QUARANTINE_REASONS, type Stage } from '@activity-history/core';
import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The namespace the functions write their EMF metrics to unless told otherwise (docs/metrics.md).
 *
 * @example
 * ```ts
 * const metrics = new PipelineMetrics(props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE);
 * ```
 */
export const DEFAULT_METRICS_NAMESPACE = 'ActivityHistory';

/**
 * The pipeline's own metrics, as docs/metrics.md names them: written by the functions as EMF lines
 * (dimension `Stage`, plus `Reason` on `Rejections`), read here by the dashboard and the alarms.
 *
 * @example
 * ```ts
 * const metrics = new PipelineMetrics('ActivityHistory');
 * metrics.stage('ingest', 'StreamWriteFailures');
 * ```
 */
export class PipelineMetrics {
  constructor(readonly namespace: string) {}

  /** A metric of one stage, summed per minute unless the options say otherwise. */
  stage(stage: Stage, metricName: string, options: MetricOptions = {}): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { Stage: stage },
      statistic: 'Sum',
      period: Duration.minutes(1),
      ...options,
    });
  }

  /** The records a stage quarantined for one reason. */
  rejections(stage: Stage, reason: string, options: MetricOptions = {}): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName: 'Rejections',
      dimensionsMap: { Stage: stage, Reason: reason },
      statistic: 'Sum',
      period: Duration.minutes(1),
      ...options,
    });
  }

  /**
   * Rejections of every stage and reason, found by a search so that a reason code added later
   * shows up on the dashboard without a redeploy (alarms cannot use searches; see
   * {@link rejectionSharePercent}).
   */
  rejectionsByReason(period: Duration = Duration.minutes(1)): MathExpression {
    return new MathExpression({
      expression: `SEARCH('{${this.namespace},Reason,Stage} MetricName="Rejections"', 'Sum', ${period.toSeconds()})`,
      label: '',
      period,
    });
  }

  /**
   * The share of the records the process stage saw that it quarantined, in percent, computed as
   * the diagnosis's processor check computes it (core `judgeProcessor`): rejections over
   * rejections + stored + duplicates, and 0 below `minimumRecords` records so that one bad record
   * in a quiet period does not page anyone. Reasons are core's `QUARANTINE_REASONS`.
   */
  rejectionSharePercent(period: Duration, minimumRecords: number): MathExpression {
    const rejections = Object.fromEntries(
      QUARANTINE_REASONS.map((reason, i) => [`r${i}`, this.rejections('process', reason, { period })]),
    );
    const rejected = new MathExpression({
      expression: Object.keys(rejections)
        .map((id) => `FILL(${id}, 0)`)
        .join(' + '),
      usingMetrics: rejections,
      period,
    });
    const seen = new MathExpression({
      expression: 'rejected + FILL(stored, 0) + FILL(duplicates, 0)',
      usingMetrics: {
        rejected,
        stored: this.stage('process', 'StoredEvents', { period }),
        duplicates: this.stage('process', 'DuplicateEvents', { period }),
      },
      period,
    });
    return new MathExpression({
      expression: `IF(seen >= ${minimumRecords}, 100 * rejected / seen, 0)`,
      usingMetrics: { rejected, seen },
      label: 'Quarantined share of processed records (%)',
      period,
    });
  }
}
