const pad = (value: number) => String(value).padStart(2, '0');

/** "14:59", "1:02:03", or "expired 12 s ago" / "expired 3:05 ago": the time left until an instant. */
export function formatCountdown(secondsLeft: number): string {
  const whole = Math.floor(Math.abs(secondsLeft));
  const clock = (total: number) => {
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
  };
  if (secondsLeft > 0) return clock(Math.ceil(secondsLeft));
  if (whole < 60) return `expired ${whole} s ago`;
  return `expired ${clock(whole)} ago`;
}

/** "in 14 min", "3 s ago", "just now", "in 2 h 5 min", "4 d ago". */
export function formatRelative(deltaSeconds: number): string {
  const abs = Math.abs(Math.round(deltaSeconds));
  if (abs < 1) return 'just now';
  let text: string;
  if (abs < 60) text = `${abs} s`;
  else if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86_400) {
    const hours = Math.floor(abs / 3600);
    const minutes = Math.round((abs % 3600) / 60);
    text = minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  } else text = `${Math.round(abs / 86_400)} d`;
  return deltaSeconds > 0 ? `in ${text}` : `${text} ago`;
}

/** A NumericDate (seconds since the epoch) as local "YYYY-MM-DD HH:MM:SS". */
export function formatEpoch(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return 'not a valid date';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** An ISO timestamp as local "HH:MM:SS" (with the date when it is not today). */
export function formatIsoShort(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return date.toDateString() === now.toDateString()
    ? time
    : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/**
 * When to refresh automatically: shortly before expiry, a tenth of the lifetime early, at least 5 s
 * and at most 60 s before it (a 15-minute token is refreshed at 14:00), and never earlier than halfway.
 */
export function refreshLeadSeconds(lifetimeSeconds: number): number {
  // Never more than half the lifetime, so a very short-lived token is not refreshed in a loop.
  return Math.min(60, Math.max(5, lifetimeSeconds / 10), lifetimeSeconds / 2);
}
