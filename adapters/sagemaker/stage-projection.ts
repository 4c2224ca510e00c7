/**
 * The gateway's stages on SageMaker. `ModelApprovalStatus` is the native projection, the field
 * SageMaker pipelines and deployments act on:
 *
 *   NONE, STAGING, SHADOW -> PendingManualApproval   (not approved for production yet)
 *   PRODUCTION            -> Approved
 *   ARCHIVED              -> Rejected                (withdrawn: must not be deployed again)
 *
 * The stage itself is kept in the version's `modelgate:stage` metadata (three stages share
 * PendingManualApproval). Reading, the metadata wins while it agrees with the approval status;
 * when someone changed the status natively (approved in SageMaker Studio) after the gateway wrote
 * the stage, the status wins: Approved reads PRODUCTION, Rejected ARCHIVED, pending NONE.
 */
import { ModelApprovalStatus, type ModelLifeCycle } from "@aws-sdk/client-sagemaker";
import type { Stage } from "../../src/core/index.js";

export type ApprovalStatus = (typeof ModelApprovalStatus)[keyof typeof ModelApprovalStatus];

export function approvalStatusOf(stage: Stage): ApprovalStatus {
  switch (stage) {
    case "PRODUCTION":
      return ModelApprovalStatus.APPROVED;
    case "ARCHIVED":
      return ModelApprovalStatus.REJECTED;
    default:
      return ModelApprovalStatus.PENDING_MANUAL_APPROVAL;
  }
}

/** The stage of a version nobody staged through the gateway (or whose status changed natively). */
export function stageOfApprovalStatus(status: string | undefined): Stage {
  if (status === ModelApprovalStatus.APPROVED) return "PRODUCTION";
  if (status === ModelApprovalStatus.REJECTED) return "ARCHIVED";
  return "NONE";
}

/**
 * SageMaker defaults a versioned package's approval status to PendingManualApproval; a package
 * described without one (moto keeps the omitted status empty) reads as that default.
 */
export function effectiveApprovalStatus(status: string | undefined): string {
  return status ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL;
}

export function readStage(metadataStage: Stage | undefined, status: string | undefined): Stage {
  const native = effectiveApprovalStatus(status);
  if (metadataStage !== undefined && approvalStatusOf(metadataStage) === native) return metadataStage;
  return stageOfApprovalStatus(native);
}

/**
 * The ModelLifeCycle written with a stage when `modelLifeCycle: true`: Stage is the gateway stage,
 * StageStatus SageMaker's enum value closest to it.
 */
export function lifeCycleOf(stage: Stage, reason: string | undefined): ModelLifeCycle {
  const status = stage === "PRODUCTION" || stage === "SHADOW" ? "DEPLOYED" : stage === "ARCHIVED" ? "STOPPED" : "READYTODEPLOY";
  const description = `modelgate stage ${stage}${reason ? `: ${reason}` : ""}`;
  return { Stage: stage, StageStatus: status, StageDescription: description.slice(0, 1024) };
}

