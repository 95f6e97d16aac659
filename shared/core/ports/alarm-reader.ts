/** CloudWatch alarm states, read by name. An unknown name is reported missing, never taken for OK. */
export interface AlarmState {
  name: string;
  /** OK | ALARM | INSUFFICIENT_DATA */
  state: string;
  reason?: string;
}

export interface AlarmReading {
  /** In the order the names were given; unknown names are left out. */
  alarms: AlarmState[];
  /** Names CloudWatch does not know. */
  missing: string[];
}

export interface AlarmReader {
  /** Every named alarm's state; a GlidepathError (THROTTLED, INTERNAL_ERROR) when they cannot be read. */
  read(names: readonly string[]): Promise<AlarmReading>;
}
