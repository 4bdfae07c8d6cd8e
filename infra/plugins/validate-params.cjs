'use strict';
/**
 * osls plugin: validates every deployment parameter before anything is packaged or
 * deployed, with the schemas the handlers read their environment with
 * (functions/handlers/deploy-params.ts, loaded through tsx). A bad value fails
 * `osls package`, `osls deploy` and `osls deploy function` with one line per parameter
 * naming it and what is wrong, instead of failing at run time through the dead-letter queue.
 *
 * It also refuses to deploy when no region was given anywhere (see default-region.cjs):
 * packaging offline may fall back to us-east-1, a deployment must not guess.
 */
const path = require('node:path');
const defaultRegion = require('./default-region.cjs');

const SCHEMAS = path.join(__dirname, '../../functions/handlers/deploy-params.ts');

/** The parameters as `${param:x}` resolves them: `--param` over `params.<stage>` over `params.default`. */
function effectiveParameters(serverless, options) {
  const params = serverless.configurationInput?.params || {};
  const stage = options.stage || serverless.service.provider.stage;
  const values = { ...(params.default || {}), ...(params[stage] || {}) };
  // Same format and trimming as osls's own `param` source.
  for (const item of [].concat(options.param || [])) {
    const match = /^(?<key>[^=]+)=(?<value>.*)$/s.exec(item);
    if (match) values[match.groups.key] = match.groups.value.trimEnd();
  }
  return values;
}

class ValidateDeployParameters {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    const validate = () => this.validate();
    this.hooks = {
      'before:package:initialize': validate,
      'before:deploy:function:initialize': () => {
        this.requireRegion();
        return validate();
      },
      'before:deploy:deploy': () => this.requireRegion(),
    };
  }

  async validate() {
    // tsx's CommonJS loader: the schemas are TypeScript modules of this repository.
    const { validateDeployParameters } = require('tsx/cjs/api').require(SCHEMAS, __filename);
    try {
      validateDeployParameters(effectiveParameters(this.serverless, this.options));
    } catch (error) {
      if (error && error.name === 'DeployParameterError') {
        throw new this.serverless.classes.Error(
          `${error.message}\nFix them in --param or serverless.yml params.`,
        );
      }
      throw error;
    }
  }

  requireRegion() {
    if (this.options.region || defaultRegion.lastResolution.source !== 'fallback') return;
    throw new this.serverless.classes.Error(
      'no AWS region to deploy to: pass --region, set AWS_REGION, or set region in your AWS profile',
    );
  }
}

module.exports = ValidateDeployParameters;
