/** The CloudWatch namespace of every metric the Glidepath functions emit (EMF). */
export const METRICS_NAMESPACE = 'Glidepath';
