/** What the CodeDeploy bridge reads of a CodeDeploy deployment and its deployment group. */
export interface CodeDeployDeployment {
  deploymentId: string;
  applicationName?: string;
  deploymentGroupName?: string;
  status?: string;
  /** Epoch ms. */
  createTime?: number;
  appSpec: string;
}

export interface GroupAlarms {
  names: string[];
  ignorePollAlarmFailure: boolean;
}

export interface CodeDeployReader {
  deployment(deploymentId: string): Promise<CodeDeployDeployment>;
  /** The group's alarm configuration, when it is enabled and names alarms. */
  groupAlarms(applicationName: string, deploymentGroupName: string): Promise<GroupAlarms | undefined>;
}
