// Loaded by mocha before any spec (see .mocharc.json).
import 'reflect-metadata';
import chai from 'chai';

chai.config.truncateThreshold = 0;
