/**
 * The one error planned-infrastructure input raises: a file that is not a CloudFormation
 * template or a Terraform plan, too large, a YAML alias bomb, a circular reference… The
 * message is one line naming the file and what to fix; the CLI prints it and exits 2.
 */
export class PlannedInputError extends Error {
  override name = 'PlannedInputError';
}
