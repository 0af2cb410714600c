// The few Engine API shapes the lab reads (dockerode types most list answers as `any`).

export interface TaskInfo {
  readonly ID: string;
  readonly ServiceID: string;
  readonly NodeID?: string;
  readonly Slot?: number;
  readonly DesiredState: string;
  readonly Status: {
    readonly State: string;
    readonly Err?: string;
    readonly Message?: string;
    readonly ContainerStatus?: { readonly ContainerID?: string; readonly PID?: number };
  };
  readonly NetworksAttachments?: readonly {
    readonly Network: { readonly ID: string; readonly Spec: { readonly Name: string } };
    readonly Addresses?: readonly string[];
  }[];
}

export interface NodeInfo {
  readonly ID: string;
  readonly Description: { readonly Hostname: string };
  readonly Spec: { readonly Role: string; readonly Availability: string };
  readonly Status: { readonly State: string; readonly Addr?: string };
}

export interface NetworkInfo {
  readonly Id: string;
  readonly Name: string;
  readonly Driver: string;
  readonly Scope: string;
  readonly Options?: Readonly<Record<string, string>> | null;
  readonly IPAM: { readonly Config?: readonly { readonly Subnet?: string; readonly Gateway?: string }[] | null };
}

export interface ServiceInfo {
  readonly ID: string;
  readonly Spec: { readonly Name: string };
}
