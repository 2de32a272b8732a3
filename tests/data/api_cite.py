#!/usr/bin/env python3
"""api_cite.py - what the search page's Copy citation gets for a query's
first snippet: starts SEARCHER --serve on a free port, asks /api/search,
then /api/cite for that snippet (format plain, then markdown), prints both
citations one a line, and stops the server.  Used by tests/test_zipdocs.c.

    python3 tests/data/api_cite.py SEARCHER INDEX QUERY
"""
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request


def main():
    searcher, index, query = sys.argv[1:4]
    server = subprocess.Popen([searcher, '--serve', '--index', index, '--listen', '127.0.0.1:0'],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.time() + 60
        while port is None and time.time() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            found = re.search(r'http://127\.0\.0\.1:(\d+)/', line)
            port = found and found.group(1)
        if not port:
            sys.exit('the server did not say where it listens')
        base = f'http://127.0.0.1:{port}'
        with urllib.request.urlopen(f'{base}/api/search?' + urllib.parse.urlencode({'q': query})) as r:
            hit = json.load(r)['hits'][0]
        snippet = hit['snippets'][0]
        for form in ('plain', 'markdown'):
            params = urllib.parse.urlencode({'doc': hit['path'], 'start': snippet['start'],
                                             'end': snippet['end'], 'q': query, 'format': form})
            with urllib.request.urlopen(f'{base}/api/cite?{params}') as r:
                print(json.load(r)['citation'].replace('\n', ' | '))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == '__main__':
    main()
