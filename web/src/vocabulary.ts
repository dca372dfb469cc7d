// The hub's ids in words a person reads: causes (docs/diagnosis.md), plan
// steps, connectivity states, lock states, action outcomes.

import type { Connectivity } from './api/types';

/** Every cause of the catalogue (src/core/diagnosis/catalogue.cpp), in short words. */
export const CAUSE_NAMES: Readonly<Record<string, string>> = {
  battery_depleted: 'Batteries flat',
  battery_low_dropouts: 'Low batteries drop out',
  weak_signal: 'Weak signal',
  interference: 'Radio interference',
  network_overloaded: 'Wi-Fi overloaded',
  router_power_outage: 'Router lost power',
  internet_outage: 'Internet connection down',
  network_credentials_changed: 'Wi-Fi name or password changed',
  router_replaced: 'Router replaced',
  mesh_route_lost: 'Mesh repeater gone',
  out_of_range: 'Bridge out of range',
  firmware_bug: 'Lock firmware hung',
  firmware_updating: 'Firmware update in progress',
  app_permissions: 'App lacks permissions',
  app_outdated: 'App out of date',
  hub_offline: 'Hub or bridge down',
  hub_software_regression: 'Hub update broke the link',
  calibration_drift: 'Lock needs recalibrating',
  bolt_jammed: 'Bolt jammed',
  hardware_fault: 'Hardware fault',
};

/** Plan steps (src/core/diagnosis/planner.cpp): fixes, then yes/no questions. */
export const STEP_NAMES: Readonly<Record<string, string>> = {
  replace_batteries: 'Replace the batteries',
  power_cycle_lock: 'Restart the lock',
  power_cycle_phone: 'Restart your phone',
  power_cycle_router: 'Restart the router',
  power_cycle_hub: 'Restart the hub or bridge',
  check_network: 'Check the Wi-Fi',
  move_router_or_add_extender: 'Move the router or add an extender',
  move_bridge_closer: 'Move the bridge closer',
  reenter_network_credentials: 'Re-enter the Wi-Fi name and password',
  update_firmware: 'Install firmware updates',
  update_app: 'Update the app',
  grant_app_permissions: 'Give the app its permissions',
  recalibrate: 'Recalibrate the lock',
  repair: 'Remove and re-add the lock',
  remove_interference: 'Move sources of interference away',
  restore_repeater: 'Restore the repeater',
  factory_reset: 'Factory reset the lock',
  contact_support: 'Contact support',
  wait: 'Wait for it to come back',
  observe_other_wifi_devices: 'Do other devices on the Wi-Fi work?',
  observe_lock_lights: 'Does the lock light up?',
  observe_bridge_lights: 'Is the hub or bridge powered?',
  observe_phone_near_lock: 'Does the app connect next to the lock?',
  observe_bolt_moves_freely: 'Does the bolt move freely?',
};

/** A name to use inside a sentence: "Batteries flat" → "batteries flat", "Wi-Fi overloaded" stays. */
export function inSentence(name: string): string {
  return /^[A-Z][a-z]/.test(name) && !/^Wi-Fi/.test(name) ? name[0].toLowerCase() + name.slice(1) : name;
}

function fallback(id: string): string {
  const s = id.replace(/[_-]+/g, ' ').trim();
  return s ? s[0].toUpperCase() + s.slice(1) : id;
}

export function causeName(id: string | null | undefined): string {
  if (!id) return 'Unknown cause';
  return CAUSE_NAMES[id] ?? fallback(id);
}

export function stepName(id: string | null | undefined): string {
  if (!id) return '—';
  return STEP_NAMES[id] ?? fallback(id);
}

/** True for a yes/no question step. */
export function isQuestion(kind: string | undefined, step: string): boolean {
  return kind === 'question' || kind === 'observation' || (kind === undefined && step.startsWith('observe_'));
}

export interface ConnectivityInfo {
  label: string;
  /** What it means for the user, one sentence. */
  meaning: string;
  /** A lock that cannot take commands now. */
  down: boolean;
}

export const CONNECTIVITY: Readonly<Record<Connectivity, ConnectivityInfo>> = {
  online: { label: 'Online', meaning: 'The lock reports on time and takes commands.', down: false },
  suspect: {
    label: 'Suspect',
    meaning: 'The lock is late with its reports; the hub is watching whether it drops off.',
    down: false,
  },
  offline: {
    label: 'Offline',
    meaning: 'The hub has lost the lock: it still works with its key or keypad, but not remotely.',
    down: true,
  },
  updating: {
    label: 'Updating',
    meaning: 'The lock is installing a firmware update and will be back when it restarts.',
    down: true,
  },
  asleep: { label: 'Asleep', meaning: 'The lock saves power and wakes up to report on schedule.', down: false },
  unreachable: {
    label: 'Unreachable',
    meaning: 'The hub or bridge between this lock and the hub is down, so nothing reaches the lock.',
    down: true,
  },
  unknown: { label: 'Unknown', meaning: 'The hub has not heard from this lock yet.', down: false },
};

export function connectivityInfo(c: string): ConnectivityInfo {
  return CONNECTIVITY[c as Connectivity] ?? { label: fallback(c), meaning: '', down: false };
}

export const LOCK_STATES: Readonly<Record<string, string>> = {
  locked: 'Locked',
  unlocked: 'Unlocked',
  not_fully_locked: 'Not fully locked',
  unlatched: 'Unlatched',
  jammed: 'Jammed',
  unknown: 'State unknown',
};

export function lockStateName(s: string | undefined): string {
  return s ? LOCK_STATES[s] ?? fallback(s) : 'State unknown';
}

export const DOOR_STATES: Readonly<Record<string, string>> = {
  open: 'Door open',
  closed: 'Door closed',
  ajar: 'Door ajar',
  forced_open: 'Door forced open',
  jammed: 'Door jammed',
  unknown: '',
};

export const TRANSPORTS: Readonly<Record<string, string>> = {
  wifi: 'Wi-Fi',
  ble_bridge: 'Bluetooth bridge',
  zigbee: 'Zigbee',
  zwave: 'Z-Wave',
  thread: 'Thread',
};

export function transportName(t: string | undefined): string {
  return t ? TRANSPORTS[t] ?? fallback(t) : '';
}

/** Why an action failed (the lock's outcome codes, docs/openapi.yaml Action.reason). */
export const ACTION_REASONS: Readonly<Record<string, string>> = {
  expired: 'no answer from the lock in time',
  jammed: 'the bolt jammed',
  low_battery: 'the batteries are too low to drive the motor',
  bad_signature: 'the lock rejected the command signature',
  replayed: 'the lock saw the command as a replay',
  wrong_target: 'the command was for another lock',
  unknown_key: 'the lock does not know the hub key',
  malformed: 'the lock could not read the command',
  unsupported: 'the lock does not support this',
};

export function actionReason(reason: string | null | undefined): string {
  return reason ? ACTION_REASONS[reason] ?? fallback(reason).toLowerCase() : 'unknown reason';
}

export const EVENT_KINDS: Readonly<Record<string, string>> = {
  lock_operation: 'Operation',
  alarm: 'Alarm',
  connectivity: 'Connection',
  command: 'Command',
  health: 'Health',
  access_code: 'Access code',
};

export function eventKindName(k: string): string {
  return EVENT_KINDS[k] ?? fallback(k);
}
