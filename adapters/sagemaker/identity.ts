/**
 * Which account and region this backend serves, as ARNs show them. The region comes from config;
 * the account from config or from the first ARN SageMaker returns. Two backends of one gateway may
 * serve two accounts or regions: their ids come from config, and this is how each tells which
 * registry it reads (health message, `info`), and refuses to read another account's by mistake.
 */
import { UnauthorizedError, UnavailableError } from "../../src/core/index.js";

/** `arn:<partition>:sagemaker:<region>:<account>:<resource>` */
const ARN_RE = /^arn:(aws[a-z-]*):sagemaker:([a-z0-9-]+):(\d{12}):(.+)$/;

export interface ParsedArn {
  partition: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const m = ARN_RE.exec(arn);
  if (!m) return undefined;
  return { partition: m[1] as string, region: m[2] as string, account: m[3] as string, resource: m[4] as string };
}

export class BackendIdentity {
  private learned: string | undefined;

  constructor(
    private readonly backend: string,
    readonly region: string,
    private readonly configuredAccount: string | undefined,
  ) {}

  /** The account: configured, or learned from an ARN; undefined until SageMaker answered once. */
  get accountId(): string | undefined {
    return this.configuredAccount ?? this.learned;
  }

  /** "SageMaker in eu-west-1 (account 123456789012)": how messages name this backend's registry. */
  describe(): string {
    const account = this.accountId;
    return `SageMaker in ${this.region}${account === undefined ? "" : ` (account ${account})`}`;
  }

  /**
   * Learns the account from an ARN SageMaker returned, and refuses to go on when it is not the
   * configured one: the credentials reach another account than this backend is configured for.
   */
  observe(arn: string | undefined): void {
    if (arn === undefined) return;
    const parsed = parseArn(arn);
    if (!parsed) return;
    if (this.configuredAccount !== undefined && parsed.account !== this.configuredAccount) {
      throw new UnauthorizedError(
        `SageMaker in ${this.region} answered with resources of account ${parsed.account}, but this backend is configured for account ${this.configuredAccount}: its credentials belong to another account`,
        { backend: this.backend },
      );
    }
    this.learned ??= parsed.account;
  }

  /**
   * The ARN of a version, from its group's ARN (which every version read fetches first): the same
   * partition, region and account, and the group name in lower case, as SageMaker writes it.
   */
  modelPackageArn(groupArn: string, groupName: string, version: number): string {
    const parsed = parseArn(groupArn);
    if (!parsed) {
      throw new UnavailableError(`SageMaker in ${this.region} returned an unreadable ARN for model "${groupName}": ${JSON.stringify(groupArn)}`, {
        backend: this.backend,
      });
    }
    return `arn:${parsed.partition}:sagemaker:${parsed.region}:${parsed.account}:model-package/${groupName.toLowerCase()}/${version}`;
  }
}
