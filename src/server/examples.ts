/**
 * The example operations of the demo data (docs/querying.md, "The demo
 * pipeline"). The explorer opens with them, and the HTTP tests run them, so
 * the docs cannot drift from what the server answers.
 */
export const EXAMPLE_OPERATIONS = `# Everything upstream of the model the production deployment serves
query DeployedModelProvenance {
  node(id: "deployment/housing-prod") {
    ... on Deployment {
      name
      model {
        id
        name
        version
        upstream {
          truncated
          nodes {
            degree
            asset { __typename id name version }
          }
          edges { kind from { id } to { id } }
        }
      }
    }
  }
}

# Every deployment downstream of the first dataset version
query DatasetImpact {
  node(id: "datasets/census-1990-v1") {
    ... on Dataset {
      name
      version
      downstream(kinds: [DEPLOYMENT]) {
        nodes {
          degree
          asset {
            id
            name
            ... on Deployment { environment model { id name version } }
          }
        }
      }
    }
  }
}

# Compare the runs of a project's models
query CompareRuns {
  assets(kind: MODEL, filter: { project: "project/housing" }) {
    edges {
      node {
        id
        name
        ... on Model {
          producedBy {
            runId
            params { params }
            devPerf { rmse: metric(name: "rmse") r2: metric(name: "r2") }
            datasets { id version }
          }
        }
      }
    }
  }
}
`;
