// The hub's REST API v1 as the app reads it (docs/openapi.yaml).
//
// Times are milliseconds since the Unix epoch (`*_ms`); absent optional values
// are `null` or missing. Every field the hub may leave out is optional here so
// that an older or newer hub degrades to "not known" instead of breaking a view.

export type Connectivity = 'online' | 'suspect' | 'offline' | 'updating' | 'asleep' | 'unreachable' | 'unknown';

export interface LockCaseSummary {
  id: number;
  likely_cause: string;
  p: number;
  next_step?: string | null;
}

export interface ListedBatteryForecast {
  dies_ms?: number | null;
  days_left?: number | null;
  method?: string;
}

export interface Lock {
  id: string;
  name: string;
  site: string;
  transport: string;
  connectivity: Connectivity;
  connectivity_since_ms?: number | null;
  lock_state: string;
  door_state?: string;
  battery_pct?: number | null;
  battery_mv?: number | null;
  rssi_dbm?: number | null;
  firmware?: string | null;
  uptime_s?: number | null;
  reboot_count?: number | null;
  boot_reason?: string;
  heartbeat_s?: number;
  battery?: string;
  last_seen_ms?: number | null;
  battery_forecast?: ListedBatteryForecast | null;
  incident?: number | null;
  case?: LockCaseSummary | null;
}

export interface Site {
  id: string;
  name: string;
  locks: number;
  online: number;
}

export interface Hub {
  id: string;
  version: string;
  started_ms: number;
}

export type ActionStatus = 'pending' | 'succeeded' | 'failed' | 'expired';

export interface Action {
  id: string;
  lock: string;
  site: string;
  action: 'lock' | 'unlock' | 'unlatch';
  status: ActionStatus;
  reason?: string | null;
  detail?: string | null;
  created_ms: number;
  expires_ms: number;
  completed_ms?: number | null;
}

/** A key a lock was paired with (GET /locks/{id}/keys). */
export interface PairedKey {
  key_id: string;
  role: 'hub' | 'user';
  public_key: string;
  paired_ms: number;
}

/** A pairing or unpairing in progress (GET /pairings/{id}). */
export interface Pairing {
  id: string;
  kind: 'pair' | 'unpair';
  lock: string;
  key_id: string;
  state: 'pending' | 'paired' | 'unpaired' | 'failed';
  outcome?: string | null;
  detail?: string | null;
}

export interface LockEvent {
  id: number;
  lock: string;
  ts_ms: number;
  kind: string;
  device_seq?: number | null;
  operation?: string | null;
  source?: string | null;
  user?: string | null;
  detail?: string | null;
}

export interface EventPage {
  events: LockEvent[];
  next_before?: number | null;
}

export interface BatteryForecast {
  dies_ms?: number | null;
  earliest_ms?: number | null;
  latest_ms?: number | null;
  days_left?: number | null;
  method?: string;
  basis?: string;
  low_battery_dropouts?: boolean;
  evidence?: string[];
}

export interface Drain {
  mah_per_day?: number | null;
  baseline_mah_per_day?: number | null;
  ratio?: number | null;
  pct_per_day?: number | null;
  mv_per_day?: number | null;
  jumped?: boolean;
  since_ms?: number | null;
  cause?: string;
  days_counted?: number;
}

export interface Link {
  level?: number | null;
  slope_per_day?: number | null;
  std_dev?: number | null;
  loss_rate_24h?: number | null;
  weak?: boolean;
  degrading?: boolean;
  fails_ms?: number | null;
  recurring_loss_hour_utc?: number | null;
  evidence?: string[];
}

export interface ServiceFigures {
  commands: number;
  succeeded: number;
  success_rate?: number | null;
  latency_p50_ms: number;
  latency_p95_ms: number;
  offline_ms: number;
  flaky_ms: number;
  availability?: number | null;
  events: number;
  event_lag_p50_ms?: number;
  event_lag_p95_ms?: number;
}

export interface LockHealth {
  connectivity: Connectivity;
  connectivity_since_ms?: number | null;
  last_heard_ms?: number | null;
  incident?: number | null;
  /** Why the lock is in its state, in words (newer hubs). */
  why?: string | string[] | null;
  battery?: BatteryForecast;
  drain?: Drain;
  link?: Link;
  service?: { day?: ServiceFigures; week?: ServiceFigures; month?: ServiceFigures };
}

/** A lock's own settings as the hub keeps them (GET /locks/{id}/settings). */
export interface LockSettingsView {
  lock: string;
  known: boolean;
  settings?: Record<string, number | string>;
  /** "keypad off for 60 s after 5 wrong PINs", "relocks after 45 s, sound silent" */
  text?: string;
  source?: 'lock' | 'hub';
  state?: 'pending' | 'set' | 'failed';
  reason?: string | null;
  updated_ms?: number;
}

export interface HistoryPoint {
  t_ms: number;
  samples?: number;
  battery_min_pct?: number;
  battery_pct?: number;
  voltage_mv?: number;
  rssi_dbm?: number;
  lqi?: number;
  temperature_c?: number;
}

export interface History {
  lock: string;
  since_ms: number;
  until_ms: number;
  points: HistoryPoint[];
}

export interface Hypothesis {
  cause: string;
  p: number;
  what?: string;
  evidence_for: string[];
  evidence_against: string[];
}

export interface PlanStep {
  step: string;
  /** "repair" (the hub's word) or "fix"; "question" for a yes/no question. */
  kind: string;
  by_hub: boolean;
  p_fix?: number;
  minutes?: number;
  instructions: string;
}

export interface Outcome {
  step: string;
  outcome: 'fixed' | 'not_fixed' | 'yes' | 'no';
}

export interface Case {
  id: number;
  lock: string;
  transport?: string;
  members: string[];
  incident?: number | null;
  misbehaviour?: string | null;
  opened_ms: number;
  back_ms?: number | null;
  closed_ms?: number | null;
  diagnosed_ms?: number;
  hypotheses: Hypothesis[];
  plan: { steps: PlanStep[]; expected_user_minutes?: number; notes?: string[] };
  history: Outcome[];
  fixed_by?: string | null;
  /** A step reported as fixing it, until its effect shows (an hour at most). */
  checking?: { step: string; since_ms: number; waiting_for: string } | null;
  confirmed_cause?: string | null;
}

/** `event: hello` of the live stream. */
export interface StreamHello {
  hub?: string;
  time_ms?: number | null;
}

/** `event: cases` of the live stream: the open cases changed. */
export interface StreamCases {
  open: number;
  ids: number[];
}

/** A keypad code as the hub shows it (never its PIN): docs/api.md, "Access codes". */
export interface CodeSchedule {
  type: 'always' | 'date_range' | 'weekly' | 'one_time';
  from_ms?: number;
  to_ms?: number;
  days?: string[];
  start?: string;
  end?: string;
  utc_offset_min?: number;
}

export interface CodeOnLock {
  lock: string;
  state: 'pending' | 'set' | 'failed' | 'removing' | 'removed';
  attempts: number;
  since_ms: number;
  updated_ms: number;
  reason: string | null;
}

export interface AccessCode {
  id: string;
  site: string;
  lock: string | null;
  name: string;
  slot: number;
  user: number;
  schedule: CodeSchedule;
  schedule_text: string;
  state: 'set' | 'pending' | 'failed' | 'removing' | 'no_locks';
  locks: CodeOnLock[];
  created_ms: number;
  updated_ms: number;
}

export interface NewCode {
  site: string;
  lock?: string;
  name: string;
  pin: string;
  schedule: CodeSchedule;
}
