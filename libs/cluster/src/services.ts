/** The services of the system, in start order, and how the launcher names their replicas. */
export const SERVICES = {
  auth: { app: 'auth-service', database: 'auth' },
  catalog: { app: 'catalog-service', database: 'catalog' },
  orders: { app: 'orders-service', database: 'orders' },
  profile: { app: 'profile-service', database: 'profile' },
  gateway: { app: 'gateway', database: undefined },
} as const;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as string[]).includes(name);
}
