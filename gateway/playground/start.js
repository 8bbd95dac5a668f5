/* global window, document, sessionStorage, React, ReactDOM, GraphiQL */
// Jobber's playground, loaded by the page the gateway serves at GET /graphql (src/playground.ts).
// Queries and mutations go over HTTP POST to the page's own URL, subscriptions over graphql-ws on
// the same path; the access token typed above GraphiQL goes with both, as Authorization: Bearer
// (over the WebSocket it is in connection_init's payload, like the headers editor's headers).
'use strict';

(function start() {
  const endpoint = window.location.origin + window.location.pathname;
  const subscriptionUrl = endpoint.replace(/^http/, 'ws');
  const storageKey = 'jobber:playground:access-token';
  const tokenField = document.getElementById('jobber-access-token');
  tokenField.value = sessionStorage.getItem(storageKey) || '';
  tokenField.addEventListener('input', () => {
    sessionStorage.setItem(storageKey, tokenField.value);
  });
  const token = () => tokenField.value.trim().replace(/^Bearer\s+/i, '');

  const graphqlFetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl });
  // The headers editor's own Authorization, if any, wins over the field.
  const fetcher = (params, options) => {
    const headers = (options && options.headers) || {};
    const authorization = token() ? { Authorization: 'Bearer ' + token() } : {};
    return graphqlFetcher(params, { ...options, headers: { ...authorization, ...headers } });
  };

  const defaultQuery = [
    '# Jobber playground: queries and mutations over HTTP, subscriptions over graphql-ws,',
    "# both on this gateway's /graphql. To act as a user, run signUp or signIn and paste",
    '# its accessToken into the field above.',
    '',
    '{',
    '  viewer {',
    '    username',
    '  }',
    '  sellers(first: 5) {',
    '    edges {',
    '      node {',
    '        fullName',
    '        oneliner',
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  const root = document.getElementById('graphiql');
  root.textContent = '';
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, { fetcher, defaultQuery }));
})();
