/** Table shapes of the registry's database (times in epoch ms, enums as their proto numbers). */
export interface RegistryDatabase {
  devices: {
    id: string;
    name: string;
    type: number;
    custom_type: string;
    site: string;
    zone: string;
    latitude: number;
    longitude: number;
    owner_email: string;
    status: number;
    labels: string;
    create_time: number;
    update_time: number;
  };
  device_keys: {
    key_id: string;
    device_id: string;
    state: number;
    description: string;
    prefix: string;
    secret_hash: string;
    create_time: number;
    revoke_time: number | null;
    last_used_time: number | null;
    expire_time: number | null;
    replacement_key_id: string | null;
  };
}
