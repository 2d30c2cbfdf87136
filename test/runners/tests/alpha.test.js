'use strict';
require('./workload.js').defineTests('alpha');
