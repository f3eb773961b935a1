// Posts the review on the pull request as ONE comment, found again on each push by the hidden marker
// that `npm run review` puts on its first line, and updated rather than added to.
// Called from .github/workflows/review.yml through actions/github-script, with its Octokit client.
'use strict';

const MARKER = '<!-- genesys-review -->';
/** GitHub refuses comment bodies over 65,536 characters. */
const LIMIT = 60000;

/** The SVGs cannot be shown from a comment by relative path: point at the run's artifact instead. */
function withArtifactLinks(markdown, artifactUrl) {
  return markdown.replace(/^!\[([^\]]*)\]\(([^)\s]+\.svg)\)$/gm, (_line, alt, file) => `_${alt}: \`${file}\` in the [review artifact](${artifactUrl})._`);
}

function commentBody(markdown, artifactUrl) {
  let body = withArtifactLinks(markdown, artifactUrl);
  if (!body.startsWith(MARKER)) body = `${MARKER}\n${body}`;
  if (body.length > LIMIT) {
    const cut = body.slice(0, body.lastIndexOf('\n', LIMIT) + 1);
    // Close what the cut left open, so the note below renders as text.
    const openFence = (cut.match(/^\s*```/gm) ?? []).length % 2 === 1 ? '```\n' : '';
    const openDetails = '</details>\n'.repeat(Math.max(0, (cut.match(/<details>/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length));
    body = `${cut}${openFence}${openDetails}\n**Cut at ${LIMIT} characters.** The whole review is \`review.md\` in the [review artifact](${artifactUrl}).\n`;
  }
  return body;
}

async function postReview({ github, context, markdown, artifactUrl }) {
  const { owner, repo } = context.repo;
  const issue_number = context.payload.pull_request.number;
  const body = commentBody(markdown, artifactUrl);
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const previous = comments.find((c) => c.user && c.user.type === 'Bot' && typeof c.body === 'string' && c.body.startsWith(MARKER));
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
    return { action: 'updated', id: previous.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return { action: 'created', id: created.data.id };
}

module.exports = { postReview, commentBody, MARKER };
